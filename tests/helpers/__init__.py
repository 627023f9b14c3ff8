"""Helpers the tests share (imported as tests.helpers.…): probe apps, kernels, browsers."""
