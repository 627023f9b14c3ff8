"""Print the README's chapter table: python -m tourapp.chapters."""

from . import readme_table

print(readme_table())
