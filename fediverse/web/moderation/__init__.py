"""The moderators' pages and the public moderation log: every act through
:mod:`outbox.moderation`, as the governance API and CLI (docs/web.md)."""

from fediverse.web.moderation import log, members, posts, settings, team, work

routes = [*log.routes, *members.routes, *posts.routes, *settings.routes, *team.routes, *work.routes]
