; TSX: typescript.scm (kept identical below, tests/test_lang_tsx.py checks it) plus JSX components as calls.
; Object-literal methods, type-literal members, property signatures and computed names are not symbols.

(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
; A class expression: its own name (`mixin = B => class Named extends B`), else its binding's.
(class name: (type_identifier) @name) @definition.class
(variable_declarator name: (identifier) @name value: (class !name) @definition.class)
(interface_declaration name: (type_identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(type_alias_declaration name: (type_identifier) @name) @definition.type
(internal_module name: [(identifier) (nested_identifier)] @name) @definition.namespace
(module name: [(identifier) (nested_identifier)] @name) @definition.module
(module name: (string (string_fragment) @name)) @definition.module  ; declare module "pkg" { }

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(function_signature name: (identifier) @name) @definition.function

; Class methods with a body, overload signatures, abstract methods, interface methods;
; `constructor` has its own kind.
(class_body [(method_definition name: [(property_identifier) (private_property_identifier)] @name)
             (method_signature name: [(property_identifier) (private_property_identifier)] @name)
             (abstract_method_signature name: [(property_identifier) (private_property_identifier)] @name)]
  @definition.function
  (#not-eq? @name "constructor"))
(class_body [(method_definition name: (property_identifier) @name)
             (method_signature name: (property_identifier) @name)] @definition.constructor
  (#eq? @name "constructor"))
(interface_body (method_signature name: (property_identifier) @name) @definition.function)

; `const f = () => {}`, `handler = () => {}` in a class: the function is the definition node (its
; body splits the signature), the declarator or field around it is its span (a wrapper).
(variable_declarator name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)] @definition.function)
(public_field_definition name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression) (generator_function)] @definition.function)

(call_expression function: (identifier) @call.name (#not-eq? @call.name "require"))
(call_expression function: (member_expression property: [(property_identifier) (private_property_identifier)] @call.name))
(new_expression constructor: (identifier) @call.name)
(new_expression constructor: (member_expression property: (property_identifier) @call.name))

(extends_clause value: [(identifier) @inherit.name
                        (member_expression property: (property_identifier) @inherit.name)])
(implements_clause [(type_identifier) @inherit.name
                    (nested_type_identifier name: (type_identifier) @inherit.name)
                    (generic_type name: [(type_identifier) @inherit.name
                                         (nested_type_identifier name: (type_identifier) @inherit.name)])])
(extends_type_clause type: [(type_identifier) @inherit.name
                            (nested_type_identifier name: (type_identifier) @inherit.name)
                            (generic_type name: [(type_identifier) @inherit.name
                                                 (nested_type_identifier name: (type_identifier) @inherit.name)])])

(import_statement source: (string) @import.source)
(import_statement (import_clause (identifier) @import.name) source: (string) @import.source)
(import_statement (import_clause (namespace_import (identifier) @import.name)) source: (string) @import.source)
(import_statement (import_clause (named_imports (import_specifier name: (_) @import.name !alias)))
  source: (string) @import.source)
(import_statement (import_clause (named_imports (import_specifier alias: (identifier) @import.name)))
  source: (string) @import.source)
(import_statement (import_require_clause (identifier) @import.name source: (string) @import.source))
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

; JSX: a capitalised element is a component, rendering it calls it.
(jsx_opening_element name: (identifier) @call.name (#match? @call.name "^[A-Z]"))
(jsx_self_closing_element name: (identifier) @call.name (#match? @call.name "^[A-Z]"))
(jsx_opening_element name: (member_expression property: (property_identifier) @call.name))
(jsx_self_closing_element name: (member_expression property: (property_identifier) @call.name))
