"""The HTTP surface: Starlette routes for federation, discovery and pages."""
