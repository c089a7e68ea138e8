"""The network: member sites offer the stories whose storytellers agreed to it
(consent.network) in a feed at /data/network.json, and a hub publishes its members'
stories beside its own (docs/network.md)."""
