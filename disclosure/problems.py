"""Problems found in the input, collected all at once and reported in Chinese.

A problem names where it is (file, spreadsheet row, column), the offending value and what
would be valid. The position is printed as ``path:row:`` so editors and terminals can jump
to it, the way compilers do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    stage: str = "校验"

    def position(self) -> str:
        return f"{self.file}:{self.row}" if self.row is not None else self.file

    def describe(self) -> str:
        parts = [f"{self.position()}: "]
        if self.column:
            parts.append(f"列“{self.column}”")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "…"
            parts.append(f"的值“{shown}”" if self.column else f"值“{shown}”")
        if self.column or self.value is not None:
            parts.append("：")
        parts.append(self.message)
        if self.expected:
            parts.append(f"（应为：{self.expected}）")
        return "".join(parts)


@dataclass
class Problems:
    """Accumulates errors and warnings of one run; nothing is raised until the end."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, file: str, message: str, **where: object) -> None:
        self.errors.append(Problem(file=file, message=message, **where))  # type: ignore[arg-type]

    def warn(self, file: str, message: str, **where: object) -> None:
        self.warnings.append(Problem(file=file, message=message, **where))  # type: ignore[arg-type]

    def extend(self, other: Problems) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def report(self, strict: bool = False) -> str:
        """All problems, grouped by file, errors first; repeated warnings collapsed."""
        lines: list[str] = []
        failing = self.errors + (self.warnings if strict else [])
        if failing:
            lines.append(f"发现 {len(failing)} 处错误，未生成网站（上次生成的 output/ 保持不变）：")
            lines.extend(_grouped(failing))
        warnings = [] if strict else self.warnings
        if warnings:
            lines.append(f"提示 {len(warnings)} 条：")
            lines.extend(_grouped(warnings, collapse=True))
        return "\n".join(lines)


def _grouped(problems: list[Problem], collapse: bool = False) -> list[str]:
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    lines: list[str] = []
    for file in sorted(by_file):
        items = sorted(by_file[file], key=lambda p: (p.row or 0, p.column or ""))
        lines.append(f"\n【{file}】{len(items)} 处")
        seen: dict[str, int] = defaultdict(int)
        for problem in items:
            if collapse:
                seen[problem.message] += 1
                if seen[problem.message] > 3:
                    continue
            lines.append("  " + problem.describe())
        for message, count in seen.items():
            if count > 3:
                lines.append(f"  （同类提示“{message}”另有 {count - 3} 条，已省略）")
    return lines


class InputError(Exception):
    """Raised at the end of a stage when its problems stop the build."""

    def __init__(self, problems: Problems, stage: str):
        super().__init__(f"{stage}: {len(problems.errors)} errors")
        self.problems = problems
        self.stage = stage

    def __reduce__(self):  # raised in a worker process, it reaches the build whole
        return InputError, (self.problems, self.stage)
