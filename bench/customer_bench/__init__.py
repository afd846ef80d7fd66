"""The runner of the customer evaluation set (bench/customer_eval/): items, the chat with the
stack, the judgements and the figures. The entry point is bench/customer_eval.py."""
