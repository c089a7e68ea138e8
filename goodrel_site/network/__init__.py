"""The network: member sites share consented stories with a hub (docs/network.md)."""
