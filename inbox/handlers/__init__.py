"""One handler module per activity type (STYLE.md §6); :mod:`inbox.dispatch` registers them.

A handler takes the context, the :class:`~inbox.model.Received` activity and the item's
:class:`~inbox.model.Transaction`, and returns what it did (an :data:`~inbox.model.Outcome`);
it raises :class:`~inbox.errors.Refused` for an activity it will not act on, and
:class:`~inbox.errors.Transient` for a failure worth retrying. It never announces: dispatch
does, from the outcome.
"""
