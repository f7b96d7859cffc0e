"""Machine facts, number formats and section replacement shared by the bench report scripts.

Each bench/*_report.py script renders one Markdown section of docs/benchmarks.md between a
pair of HTML comment markers named after the benchmark, such as
<!-- vs-etcd:start --> and <!-- vs-etcd:end -->.
"""

from pathlib import Path

NEW_DOCUMENT = "# Benchmarks\n"


def markers(name):
    """Return the (start, end) comment markers of the section called name."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def machine_description():
    """Return (cpu count, memory in GiB or None, CPU model) read from /proc."""
    cpus = 0
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("processor"):
            cpus += 1
        elif line.startswith("model name") and model == "unknown":
            model = line.split(":", 1)[1].strip()
    memory_gib = None
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_gib = int(line.split()[1]) / (1024 * 1024)
    return cpus, memory_gib, model


def format_memory(memory_gib, unknown="unknown"):
    """Format a memory size in GiB with one decimal, or return unknown for None."""
    return f"{memory_gib:.1f} GiB" if memory_gib is not None else unknown


def format_number(value, digits=0):
    """Format a number with thousands separators and the given decimals, or a dash for None."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def section_start(name, title, measured, note):
    """Return the first lines of a section: its start marker, title, date line and note."""
    parts = [markers(name)[0], f"## {title}", "", measured, ""]
    if note:
        parts += [f"**Note:** {note}", ""]
    return parts


def replace_section(doc_path, name, section, new_document=NEW_DOCUMENT):
    """Replace the section called name in the document, or append it if its markers are missing.

    A missing document is created with the text new_document before the section.
    """
    start_marker, end_marker = markers(name)
    path = Path(doc_path)
    text = path.read_text() if path.exists() else new_document
    start = text.find(start_marker)
    end = text.find(end_marker)
    if start >= 0 and end > start:
        rest = text[end + len(end_marker):]
        # The section ends with a newline, so only the one after the old end marker goes. The blank
        # lines after it stay, so that a rerun leaves the text around the section as it was.
        if rest.startswith("\n"):
            rest = rest[1:]
        text = text[:start] + section + rest
        if not text.endswith("\n"):
            text += "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
