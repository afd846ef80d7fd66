"""The order flows: verification first (verification.py), then delivery status, returns and
exchanges, cancelling or changing an order; every action reaches the order backend through
`base.OrderAction`. Leaving a form early, or for a person, is form_exits.py.

Not named `orders`: rasa_sdk finds the actions with pkgutil.walk_packages, which imports a
subpackage by its bare name, so `bot.actions.orders` would be read as the top-level `orders`
package (the order backend) and the action server would not start."""
