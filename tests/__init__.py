"""The workbook's tests, in folders by what they test; shared helpers in tests/helpers."""
