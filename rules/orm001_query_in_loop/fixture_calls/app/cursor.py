# No ORM token here: the prefilter may leave this file unparsed, so what its
# code writes is not known to the index; a loop that hands it the object is.


class Pager:
    def __init__(self, start):
        self.first_chef_id = start
        self.page_chef_id = start

    def step(self):
        self.page_chef_id += 1


def advance(pager):
    pager.page_chef_id += 1
