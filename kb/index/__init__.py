"""The two indexes (lexical bm25s, dense Chroma) and the on-disk store that holds them."""
