"""Search: one tokenizer (tokenize), the documents (documents), static shards for the browser
(export) and the whoosh index the command line queries (engine)."""
