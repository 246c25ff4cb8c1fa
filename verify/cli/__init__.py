"""The command-line interface: parse arguments, call one core function, render the result.

Modules here import the core lazily, inside commands, so ``verify --help``
stays fast.
"""
