"""One small Flask app per chapter, each with ``create_app(test_config=None)`` and ``app``."""
