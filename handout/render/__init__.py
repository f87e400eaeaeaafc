"""Drawing: page templates, sections, diagrams, plan sheets and cards."""

from reportlab import rl_config

# ReportLab checks every attribute set on a drawing's shapes against its declared types
# unless this is off before reportlab.graphics is first imported: "a big help when
# developing", ReportLab's own words, and a tenth of a handout's render (21,800 checks for
# the stretch pictures and body diagrams of the example). The shapes are made by our code
# and by svglib from SVGs that vector.py has already checked.
rl_config.shapeChecking = 0
