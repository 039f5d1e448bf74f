"""The answer composed in small stages: the question read once (query), map entries picked (entries), the
conclusion stated first (conclusion), the who-does-what table (table). `Engine.answer` runs them in order."""
