; inherits: ecma
; TypeScript: classes, interfaces, enums, type aliases, namespaces, methods and their overload
; and interface signatures, functions, arrow/function values bound to a name, calls, bases, imports.
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
; Also in parentheses (`var f = (function f() { … })`), which prettier removes.
(variable_declarator name: (identifier) @name
  value: (parenthesized_expression [(arrow_function) (function_expression) (generator_function)] @definition.function))
(public_field_definition name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression) (generator_function)] @definition.function)


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

(import_statement (import_require_clause (identifier) @import.name source: (string) @import.source))

; prettier breaks a long union or intersection type before each `|` / `&`, the first one too
; (`| A | B`): a leading operator is no code, and its one-member type is its member.
(union_type . "|" @skip)
(union_type . (_) .) @group
(intersection_type . "&" @skip)
(intersection_type . (_) .) @group
