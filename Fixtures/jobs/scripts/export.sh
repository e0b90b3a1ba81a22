#!/bin/sh
# A stand-in export: prints what it would export for this run.
echo "exported rows for run ${COSTSIM_RUN_ID:-?} (attempt ${COSTSIM_ATTEMPT:-1})"
