"""The development farm: helpers for the local MediaWiki farm (scripts/wikifarm) and the stand-ins that run
beside it — the CentralAuth double, the fault-injecting proxy, their HTTP plumbing. One place that the
scripts (demo, bench, simfarm) and the tests both import; not part of the banbot package that is installed."""
