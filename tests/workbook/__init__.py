"""The workbook as a whole: notebooks' shape and re-runs, the lock, the package's imports."""
