"""A second `audited`: which one a decorator names is not known by its name alone."""

HOOKS = []


def audited(fn):
    HOOKS.append(fn)
    return fn
