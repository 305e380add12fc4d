"""Django's SQLite backend with one addition: a writer leaves a note before it takes the lock."""
