"""Development tooling: speed benchmarks against fair references, the load, abuse and crash
drills, the synthetic news corpus they run on, and extraction quality against annotated
corpora. Never imported when the archive runs (`import archive`, `archive serve`)."""
