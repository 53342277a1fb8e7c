from sqlalchemy.orm import joinedload

from app.models import Abstract


class RHActionsBase:
    """Subclasses set the loader options of the query that loads the selected rows."""

    _query_options = ()

    def _process_args(self, ids):
        query = Abstract.query.filter(Abstract.id.in_(ids)).options(*self._query_options)
        self.selected = query.all()

    def _process(self):
        for abstract in self.selected:
            print(abstract.submitter.name)  # ok: RHExport (a subclass) sets options that load it


class RHDelete(RHActionsBase):
    def _process(self):
        for abstract in self.selected:
            print(abstract.submitter.name)  # expect: ORM002


class RHExport(RHActionsBase):
    _query_options = (joinedload(Abstract.submitter),)

    def _process(self):
        return [a.submitter.name for a in self.selected]  # ok: its options load the submitter


class RHExportAll(RHExport):
    def _process(self):
        return [a.submitter.name for a in self.selected]  # ok: inherits RHExport's options


class RHComputedBase:
    _query_options = ()

    def _process_args(self, ids):
        self.selected = Abstract.query.options(*self._query_options, *self.extra).all()


class RHComputed(RHComputedBase):
    def _process(self):
        for abstract in self.selected:
            print(abstract.submitter.name)  # ok: another splat may load anything


class RHPropBase:
    """The selected rows come from a property's query, filtered in _process_args."""

    _opts = ()

    @property
    def _item_query(self):
        query = Abstract.query.filter_by(event_id=1)
        if self._opts:
            query = query.options(*self._opts)
        return query

    def _process_args(self, ids):
        query = self._item_query
        if ids:
            query = query.filter(Abstract.id.in_(ids))
        self.picked = query.all()


class RHPropDelete(RHPropBase):
    def _process(self):
        for abstract in self.picked:
            print(abstract.submitter.name)  # expect: ORM002


class RHPropExport(RHPropBase):
    _opts = (joinedload(Abstract.submitter),)

    def _process(self):
        for abstract in self.picked:
            print(abstract.submitter.name)  # ok: its options load the submitter


class RHPropLoadedBase:
    @property
    def _item_query(self):
        return Abstract.query.filter_by(event_id=1)

    def _process_args(self):
        query = self._item_query.options(joinedload(Abstract.submitter))
        self.loaded = query.all()

    def _process(self):
        for abstract in self.loaded:
            print(abstract.submitter.name)  # ok: options added where the rows are loaded


class RHPropOverriddenBase:
    @property
    def _item_query(self):
        return Abstract.query.filter_by(event_id=1)

    def _process_args(self):
        self.rows = self._item_query.all()

    def _process(self):
        for abstract in self.rows:
            print(abstract.submitter.name)  # ok: a subclass's property may load it


class RHPropOverridden(RHPropOverriddenBase):
    @property
    def _item_query(self):
        return Abstract.query.options(joinedload(Abstract.submitter))


class RHPropPlain(RHPropOverriddenBase):
    pass


class RHPropSimpleBase:
    @property
    def _item_query(self):
        return Abstract.query.filter_by(event_id=2)

    def _process_args(self):
        self.items = self._item_query


class RHPropSimple(RHPropSimpleBase):
    def _process(self):
        return [a.submitter.name for a in self.items]  # expect: ORM002


def pending_query():
    return Abstract.query.filter_by(event_id=3)


class RHMethodBase:
    def _query(self, ids):
        return Abstract.query.filter(Abstract.id.in_(ids))

    def _process_args(self, ids):
        self.chosen = self._query(ids).order_by(Abstract.id).all()
        self.pending = pending_query().filter_by(submitter_id=None).all()
        self.eager = self._query(ids).options(joinedload(Abstract.submitter)).all()


class RHMethod(RHMethodBase):
    def _process(self):
        for abstract in self.chosen:
            print(abstract.submitter.name)  # expect: ORM002
        for abstract in self.pending:
            print(abstract.submitter.name)  # expect: ORM002
        for abstract in self.eager:
            print(abstract.submitter.name)  # ok: options added where the rows are loaded


def print_submitters(abstracts):
    for abstract in abstracts:
        print(abstract.submitter.name)


def count(abstracts):
    return len(abstracts)


class RHHandOver(RHDelete):
    def _process(self):
        print_submitters(self.selected)  # expect: ORM002
        print(count(self.selected))  # ok: the helper reads no relationship of them


class RHHandOverLoaded(RHExport):
    def _process(self):
        print_submitters(self.selected)  # ok: RHExport's options load the submitter


class RHPropLoops(RHPropSimpleBase):
    @property
    def _loaded_query(self):
        return Abstract.query.options(joinedload(Abstract.submitter))

    def _process(self):
        for abstract in self._item_query:
            print(abstract.submitter.name)  # expect: ORM002
        for abstract in self._item_query.filter_by(id=1).all():
            print(abstract.submitter.name)  # expect: ORM002
        query = self._item_query
        for abstract in query.all():
            print(abstract.submitter.name)  # expect: ORM002
        for abstract in self._loaded_query:
            print(abstract.submitter.name)  # ok: the property's query loads it
        for abstract in self._item_query.options(joinedload(Abstract.submitter)):
            print(abstract.submitter.name)  # ok: loaded where the rows are read


class ExportMixin:
    """Reads self.selected, which the action classes it is mixed into assign."""

    def _export(self):
        return [a.submitter.name for a in self.selected]  # expect: ORM002


class RHExportPlain(ExportMixin, RHDelete):
    pass


class RHExportPlainToo(ExportMixin, RHActionsBase):
    pass


class LoadedExportMixin:
    def _export(self):
        return [a.submitter.name for a in self.selected]  # ok: RHExportLoaded's options load it


class RHExportBare(LoadedExportMixin, RHActionsBase):
    pass


class RHExportLoaded(LoadedExportMixin, RHExport):
    pass


class NoOneMixin:
    def _export(self):
        return [a.submitter.name for a in self.nobody]  # ok: no class assigns it
