"""The community score's one home: the formula (`formula`), what one review adds
(`contribution`, `buckets`), the O(1) summary store (`store`), the one reader every page
goes through (`read`), and the batch jobs (`recompute`, `expire`, command line in `cli`)."""
