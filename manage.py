#!/usr/bin/env python
from laksana.cli import main

if __name__ == "__main__":
    main()
