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
