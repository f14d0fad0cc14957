#!/usr/bin/env bash
# The four attribution configurations with the lab's Rust proxy
# (tools/rustproxy: tokio, rustls on ring, hyper; fat LTO), as
# test_lab_attribution.sh checks them for haproxy; and its stacks walked
# and named.
exec bash "$(dirname "$0")/test_lab_attribution.sh" rust
