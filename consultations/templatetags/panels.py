"""{% render_panel panel %}: a loaded panel's template, in the page's context plus its own."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel) -> str:
    # Like {% include %}: the page's context (patient, perms, request) stays visible.
    panel_template = context.template.engine.get_template(panel.template)
    with context.push(panel=panel, **panel.context):
        return panel_template.render(context)
