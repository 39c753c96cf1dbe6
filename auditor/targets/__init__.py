"""Systems under test: `targets:` in a config, asked for answers by the graph's generate node.

config.py     TargetConfig: a name and one source (endpoint, local GGUF, responses file)
responses.py  reading a responses file, each problem by file and line
systems.py    the run-time targets: `answer(item) -> Answer` through the gateway or the file
"""
