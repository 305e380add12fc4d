"""Import of organizations and people from CSV, XLSX and JSON Lines files.

One idea per module: `readers` turns a file into rows, `mapping` and `presets` turn a row's
columns into fields, `validation` checks and converts field values, `duplicates` finds likely
duplicates, `organizations` / `people` plan and write in bulk, and `engine` ties them together
for the command line, the web pages and the benchmark.
"""
