"""Exchange between departments (公文交换): partner pairs (交换伙伴), distributing a completed
发文 (分发) with each recipient's status, and the incoming box (收文箱) with signing (签收) and
returning (退回)."""
