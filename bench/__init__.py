"""The performance benchmark: ``python -m bench`` prints every measure beside its ceiling.

Each measure runs the product through its real entry points (the ``rfp-classifier`` command
and uvicorn serving ``api.main:create_app``) and, in the same run and repeat, the reference it
is judged against, so the ratio between them holds on a busy shared machine.
"""
