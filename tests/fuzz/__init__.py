"""Fuzz targets (hypothesis): parsers, queries and file-tree shapes get arbitrary input and must
answer with a result or their own clean error, in bounded time."""
