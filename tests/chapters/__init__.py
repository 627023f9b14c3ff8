"""Each chapter's app and its exercises: tests/chapters/test_NN_slug.py for chapter NN."""
