; JavaScript (and JSX): classes, methods, functions, arrow/function values bound to a name,
; calls (JSX components count as calls), bases, ES and CommonJS imports.
; Object-literal methods and computed names ([Symbol.iterator]) are not symbols.

(class_declaration name: (identifier) @name) @definition.class
; A class expression: its own name (`mixin = B => class Named extends B`), else its binding's.
(class name: (identifier) @name) @definition.class
(variable_declarator name: (identifier) @name value: (class !name) @definition.class)

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function

; The method's own node; `constructor` gets its own kind.
(class_body (method_definition name: [(property_identifier) (private_property_identifier)] @name
  (#not-eq? @name "constructor")) @definition.function)
(class_body (method_definition name: (property_identifier) @name (#eq? @name "constructor")) @definition.constructor)

; `const f = () => {}`, `handler = () => {}` in a class: the function is the definition node (its
; body splits the signature), the declarator or field around it is its span (a wrapper).
(variable_declarator name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)] @definition.function)
(field_definition property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression) (generator_function)] @definition.function)

; CommonJS: `Foo.prototype.bar = function` (a method of Foo), `exports.f = ` / `module.exports.f = `.
(program (expression_statement (assignment_expression
  left: (member_expression
    object: (member_expression object: (identifier) @scope property: (property_identifier) @_proto)
    property: (property_identifier) @name)
  right: [(arrow_function) (function_expression) (generator_function)] @definition.function))
  (#eq? @_proto "prototype"))
(program (expression_statement (assignment_expression
  left: (member_expression object: (identifier) @_exports property: (property_identifier) @name)
  right: [(arrow_function) (function_expression) (generator_function)] @definition.function))
  (#eq? @_exports "exports"))
(program (expression_statement (assignment_expression
  left: (member_expression
    object: (member_expression object: (identifier) @_module property: (property_identifier) @_exports)
    property: (property_identifier) @name)
  right: [(arrow_function) (function_expression) (generator_function)] @definition.function))
  (#eq? @_module "module") (#eq? @_exports "exports"))

(call_expression function: (identifier) @call.name (#not-eq? @call.name "require"))
(call_expression function: (member_expression property: [(property_identifier) (private_property_identifier)] @call.name))
(new_expression constructor: (identifier) @call.name)
(new_expression constructor: (member_expression property: (property_identifier) @call.name))
; JSX: a capitalised element is a component, rendering it calls it.
(jsx_opening_element name: (identifier) @call.name (#match? @call.name "^[A-Z]"))
(jsx_self_closing_element name: (identifier) @call.name (#match? @call.name "^[A-Z]"))
(jsx_opening_element name: (member_expression property: (property_identifier) @call.name))
(jsx_self_closing_element name: (member_expression property: (property_identifier) @call.name))

(class_heritage [(identifier) @inherit.name
                 (member_expression property: (property_identifier) @inherit.name)])

(import_statement source: (string) @import.source)
(import_statement (import_clause (identifier) @import.name) source: (string) @import.source)
(import_statement (import_clause (namespace_import (identifier) @import.name)) source: (string) @import.source)
(import_statement (import_clause (named_imports (import_specifier name: (_) @import.name !alias)))
  source: (string) @import.source)
(import_statement (import_clause (named_imports (import_specifier alias: (identifier) @import.name)))
  source: (string) @import.source)
; Re-exports depend on their module but bind nothing here.
(export_statement source: (string) @import.source)
(call_expression function: (import) arguments: (arguments . (string) @import.source))
(call_expression function: (identifier) @_require arguments: (arguments . (string) @import.source .)
  (#eq? @_require "require"))
(variable_declarator
  name: [(identifier) @import.name
         (object_pattern [(shorthand_property_identifier_pattern) @import.name
                          (pair_pattern value: (identifier) @import.name)])]
  value: (call_expression function: (identifier) @_require arguments: (arguments . (string) @import.source .))
  (#eq? @_require "require"))

; Template literals keep the whitespace of their text, not of their ${} expressions.
(template_string (string_fragment) @string)
