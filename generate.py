#!/usr/bin/env python3
"""物业服务信息公开网站生成器 — build, check, serve. See README.md."""

import sys

from disclosure.cli import main

if __name__ == "__main__":
    sys.exit(main())
