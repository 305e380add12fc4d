"""The generated demo company, written through the services of every app.

It sits above all the apps: each contributes its part as a module here, and `loading`
loads them in the order the apps depend on each other.
"""
