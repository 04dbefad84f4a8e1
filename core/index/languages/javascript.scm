; inherits: ecma, jsx
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
; Also in parentheses (`var f = (function f() { … })`), which prettier removes.
(variable_declarator name: (identifier) @name
  value: (parenthesized_expression [(arrow_function) (function_expression) (generator_function)] @definition.function))
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


(class_heritage [(identifier) @inherit.name
                 (member_expression property: (property_identifier) @inherit.name)])
