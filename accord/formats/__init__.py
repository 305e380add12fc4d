"""One way of writing dates and times on every page (settings.FORMAT_MODULE_PATH): ISO dates
and 24-hour times, in the reader's own time zone (core/middleware.UserTimeZoneMiddleware)."""
