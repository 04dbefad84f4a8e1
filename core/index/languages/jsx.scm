; Shared by javascript.scm and tsx.scm.
; JSX: a capitalised element is a component, rendering it calls it.
(jsx_opening_element name: (identifier) @call.name (#match? @call.name "^[A-Z]"))
(jsx_self_closing_element name: (identifier) @call.name (#match? @call.name "^[A-Z]"))
(jsx_opening_element name: (member_expression property: (property_identifier) @call.name))
(jsx_self_closing_element name: (member_expression property: (property_identifier) @call.name))
