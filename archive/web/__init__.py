"""The pages: server-rendered HTML, enhanced by htmx."""
