#!/bin/sh
# Runs bazel for the raftkv scripts. RAFTKV_BAZEL_OUTPUT_BASE, if set, selects a private
# output base (several checkouts or users can then build at the same time).
exec bazel ${RAFTKV_BAZEL_OUTPUT_BASE:+--output_base=$RAFTKV_BAZEL_OUTPUT_BASE} "$@"
