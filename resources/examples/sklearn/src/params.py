"""Reads params.yaml's two-level `section: {key: value}` shape without PyYAML, so only scikit-learn is needed."""


def read_params(path="params.yaml"):
    out, section = {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            key, _, value = line.strip().partition(":")
            if not line.startswith(" "):
                section = key
                out[section] = {}
                continue
            value = value.strip()
            try:
                out[section][key] = int(value)
            except ValueError:
                try:
                    out[section][key] = float(value)
                except ValueError:
                    out[section][key] = value
    return out
