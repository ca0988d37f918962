"""Checks one or more labelled JSONL files against the label contract and prints counts.

Usage: python training_data/check_jsonl.py training_data/train/*.jsonl
"""
import json
import sys
from collections import Counter

RESEARCH = {"preclinical_research", "clinical_trial_management", "bioanalytical_services",
            "clinical_regulatory_affairs"}
MANUFACTURING = {"process_development", "analytical_development", "api_manufacturing",
                 "drug_product_manufacturing", "supply_chain_management",
                 "manufacturing_regulatory_support"}
STAGES = {"preclinical", "early_clinical", "late_clinical", "commercial", "unspecified"}


def main(paths):
    ids, services, providers, stages, errors = set(), Counter(), Counter(), Counter(), []
    n = 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    errors.append(f"{where}: bad JSON ({exc})")
                    continue
                n += 1
                if row.get("id") in ids:
                    errors.append(f"{where}: duplicate id {row.get('id')}")
                ids.add(row.get("id"))
                svc = row.get("services", [])
                bad = [s for s in svc if s not in RESEARCH | MANUFACTURING]
                if bad:
                    errors.append(f"{where}: unknown services {bad}")
                if not isinstance(row.get("text"), str) or not row["text"].strip():
                    errors.append(f"{where}: empty text")
                st = row.get("stage")
                if st not in STAGES:
                    errors.append(f"{where}: bad stage {st}")
                pt = row.get("provider_type")
                r, m = bool(set(svc) & RESEARCH), bool(set(svc) & MANUFACTURING)
                if not svc:
                    ok = pt == "NONE"
                elif r and m:
                    ok = pt == "CRDMO"
                elif r:
                    ok = pt in ("CRO", "CRDMO")
                else:
                    ok = pt in ("CDMO", "CRDMO")
                if not ok:
                    errors.append(f"{where}: provider_type {pt} does not fit services {svc}")
                if pt == "NONE" and st != "unspecified":
                    errors.append(f"{where}: NONE documents have stage unspecified")
                services.update(svc)
                providers[pt] += 1
                stages[st] += 1
    print(f"{n} documents")
    print("services:", dict(sorted(services.items())))
    print("provider:", dict(providers))
    print("stage:", dict(stages))
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
