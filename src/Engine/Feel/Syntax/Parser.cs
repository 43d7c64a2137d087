using System.Globalization;

namespace EGov.Workflows.Feel.Syntax;

/// <summary>
/// A recursive-descent parser for FEEL (DMN 1.5 §10.3.1), lowest precedence first: for/if/some/every, or, and,
/// comparison (= != &lt; &lt;= &gt; &gt;= between in), instance of, + -, * /, **, unary minus, then path, filter and invocation.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "in", "instance", "between", "satisfies", "return", "then", "else", "for", "some", "every", "if", "function", "external",
    };

    /// <summary>
    /// The deepest nesting of brackets, parentheses, ifs, loops and arguments a text may have. Every level is a few frames of
    /// this recursive parser (and of the compiler and the evaluation after it): a hostile text of thousands of '(' must be a
    /// syntax error, not a stack overflow that ends the process.
    /// </summary>
    public const int MaxNesting = 200;

    /// <summary>The deepest syntax tree a text may give (a chain <c>a + b + c …</c> is as deep as it is long); see <see cref="MaxNesting"/>.</summary>
    public const int MaxDepth = 1000;

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _i;
    private int _nesting;

    public Parser(string text, IReadOnlyList<string> knownNames)
    {
        _text = text;
        _tokens = new Lexer(text, knownNames).Tokenize();
    }

    private Token Peek(int ahead = 0) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];
    private Token Take() => _tokens[_i < _tokens.Count - 1 ? _i++ : _i];
    private bool Accept(string s)
    {
        if (!Peek().Is(s) || Peek().Kind == TokenKind.String) return false;
        _i++;
        return true;
    }

    private Token Expect(string s)
    {
        if (Peek().Is(s) && Peek().Kind != TokenKind.String) return Take();
        throw Error($"expected '{s}' but found {Peek()}", Peek().Offset);
    }

    private FeelSyntaxException Error(string message, int offset) => new(message, offset, _text);

    public Node ParseWholeExpression()
    {
        var node = Expression();
        if (Peek().Kind != TokenKind.End) throw Error($"unexpected {Peek()} after the end of the expression", Peek().Offset);
        CheckDepth(node);
        return node;
    }

    /// <summary>Refuses a tree deeper than <see cref="MaxDepth"/> (walked with a stack of its own, not by recursion).</summary>
    private void CheckDepth(Node root)
    {
        var pending = new Stack<(Node Node, int Depth)>();
        pending.Push((root, 1));
        while (pending.TryPop(out var n))
        {
            if (n.Depth > MaxDepth) throw Error($"the expression is nested more than {MaxDepth} levels deep", n.Node.Offset);
            foreach (var child in Node.ChildrenOf(n.Node)) pending.Push((child, n.Depth + 1));
        }
    }

    /// <summary>Unary tests: <c>-</c>, <c>not(t1, t2)</c>, or <c>t1, t2, …</c> where each test is a unary comparison, an interval or an expression.</summary>
    public UnaryTestsNode ParseUnaryTests()
    {
        var start = Peek().Offset;
        if (Peek().Is("-") && Peek(1).Kind == TokenKind.End) { Take(); return new UnaryTestsNode([], false, true, start); }
        if (Peek().Kind == TokenKind.End) return new UnaryTestsNode([], false, true, start);
        var save = _i;
        if (Peek().Kind == TokenKind.Name && Peek().Text == "not" && Peek(1).Is("("))
        {
            try
            {
                Take(); Take();
                var tests = TestList();
                Expect(")");
                if (Peek().Kind == TokenKind.End)
                {
                    tests.ForEach(CheckDepth);
                    return new UnaryTestsNode(tests, true, false, start);
                }
            }
            catch (FeelSyntaxException) { }
            _i = save;
        }
        var list = TestList();
        if (Peek().Kind != TokenKind.End) throw Error($"unexpected {Peek()} after the unary tests", Peek().Offset);
        list.ForEach(CheckDepth);
        return new UnaryTestsNode(list, false, false, start);
    }

    private List<Node> TestList()
    {
        var tests = new List<Node> { UnaryTest() };
        while (Accept(",")) tests.Add(UnaryTest());
        return tests;
    }

    private Node UnaryTest()
    {
        var t = Peek();
        if (t.Kind == TokenKind.Symbol && t.Text is "<" or "<=" or ">" or ">=" or "=" or "!=")
        {
            Take();
            return new UnaryComparisonNode(t.Text, Additive(), t.Offset);
        }
        return Expression();
    }

    private Node Expression()
    {
        if (++_nesting > MaxNesting) throw Error($"the expression is nested more than {MaxNesting} levels deep", Peek().Offset);
        try { return NestedExpression(); }
        finally { _nesting--; }
    }

    private Node NestedExpression()
    {
        var t = Peek();
        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "if" when !Peek(1).Is("("): return If();
                case "if": return If();
                case "for": return For();
                case "some": return Quantified(false);
                case "every": return Quantified(true);
            }
        }
        return Disjunction();
    }

    private Node If()
    {
        var start = Take().Offset;
        var condition = Expression();
        Expect("then");
        var then = Expression();
        Expect("else");
        var @else = Expression();
        return new IfNode(condition, then, @else, start);
    }

    private List<Iteration> Iterations()
    {
        var list = new List<Iteration>();
        do
        {
            var name = Name();
            Expect("in");
            var source = Expression();
            Node? end = null;
            if (Accept("..")) end = Expression();
            list.Add(new Iteration(name, source, end));
        } while (Accept(","));
        return list;
    }

    private Node For()
    {
        var start = Take().Offset;
        var iterations = Iterations();
        Expect("return");
        return new ForNode(iterations, Expression(), start);
    }

    private Node Quantified(bool every)
    {
        var start = Take().Offset;
        var iterations = Iterations();
        Expect("satisfies");
        return new QuantifiedNode(every, iterations, Expression(), start);
    }

    private Node Disjunction()
    {
        var left = Conjunction();
        while (Peek().Is("or") && Peek().Kind == TokenKind.Name)
        {
            var at = Take().Offset;
            left = new OrNode(left, Conjunction(), at);
        }
        return left;
    }

    private Node Conjunction()
    {
        var left = Comparison();
        while (Peek().Is("and") && Peek().Kind == TokenKind.Name)
        {
            var at = Take().Offset;
            left = new AndNode(left, Comparison(), at);
        }
        return left;
    }

    private Node Comparison()
    {
        var left = InstanceOf();
        while (true)
        {
            var t = Peek();
            if (t.Kind == TokenKind.Symbol && t.Text is "=" or "!=" or "<" or "<=" or ">" or ">=")
            {
                Take();
                left = new ComparisonNode(t.Text, left, InstanceOf(), t.Offset);
            }
            else if (t.Kind == TokenKind.Name && t.Text == "between")
            {
                Take();
                var low = InstanceOf();
                Expect("and");
                left = new BetweenNode(left, low, InstanceOf(), t.Offset);
            }
            else if (t.Kind == TokenKind.Name && t.Text == "in")
            {
                Take();
                left = new InNode(left, InTests(), t.Offset);
            }
            else return left;
        }
    }

    /// <summary>The right side of <c>in</c>: one positive unary test, or several in parentheses.</summary>
    private List<Node> InTests()
    {
        if (Peek().Is("("))
        {
            var save = _i;
            Take();
            try
            {
                var tests = TestList();
                if (Accept(")") && !Peek().Is("..")) return tests;
            }
            catch (FeelSyntaxException) { }
            _i = save;
        }
        return [UnaryTest()];
    }

    private Node InstanceOf()
    {
        var left = Additive();
        while (Peek().Is("instance") && Peek(1).Is("of"))
        {
            var at = Take().Offset;
            Take();
            left = new InstanceOfNode(left, Type(), at);
        }
        return left;
    }

    private TypeRef Type()
    {
        var t = Peek();
        string name;
        if (t.Kind == TokenKind.Name && t.Text == "function") { Take(); name = "function"; }
        else name = Name();
        if (name == "function" && Peek().Is("<"))
        {
            Take();
            var parameters = new List<TypeRef>();
            if (!Peek().Is(">"))
                do parameters.Add(Type()); while (Accept(","));
            Expect(">");
            Expect("-"); Expect(">");
            return new TypeRef("function", parameters, null, Type());
        }
        if (name == "context" && Peek().Is("<"))
        {
            Take();
            var fields = new List<KeyValuePair<string, TypeRef>>();
            if (!Peek().Is(">"))
            {
                do
                {
                    var key = Name();
                    Expect(":");
                    fields.Add(new(key, Type()));
                } while (Accept(","));
            }
            Expect(">");
            return new TypeRef("context", [], fields);
        }
        if (Peek().Is("<") && name is "list" or "range")
        {
            Take();
            var arg = Type();
            Expect(">");
            return new TypeRef(name, [arg]);
        }
        return new TypeRef(name, []);
    }

    private Node Additive()
    {
        var left = Multiplicative();
        while (Peek().Kind == TokenKind.Symbol && Peek().Text is "+" or "-")
        {
            var t = Take();
            left = new ArithmeticNode(t.Text, left, Multiplicative(), t.Offset);
        }
        return left;
    }

    private Node Multiplicative()
    {
        var left = Exponent();
        while (Peek().Kind == TokenKind.Symbol && Peek().Text is "*" or "/")
        {
            var t = Take();
            left = new ArithmeticNode(t.Text, left, Exponent(), t.Offset);
        }
        return left;
    }

    private Node Exponent()
    {
        var left = Unary();
        while (Peek().Is("**") && Peek().Kind == TokenKind.Symbol)
        {
            var t = Take();
            left = new ArithmeticNode("**", left, Unary(), t.Offset);
        }
        return left;
    }

    private Node Unary()
    {
        if (Peek().Is("-") && Peek().Kind == TokenKind.Symbol)
        {
            var t = Take();
            if (++_nesting > MaxNesting) throw Error($"the expression is nested more than {MaxNesting} levels deep", t.Offset);
            Node operand;
            try { operand = Unary(); }
            finally { _nesting--; }
            return operand is LiteralNode { Value: decimal d } ? new LiteralNode(-d, t.Offset) : new NegateNode(operand, t.Offset);
        }
        return Postfix();
    }

    private Node Postfix()
    {
        var node = Primary();
        while (true)
        {
            var t = Peek();
            if (t.Is(".") && t.Kind == TokenKind.Symbol)
            {
                Take();
                node = new PathNode(node, Name(), t.Offset);
            }
            else if (t.Is("[") && t.Kind == TokenKind.Symbol && !_rangeEnd)
            {
                Take();
                var filter = Expression();
                Expect("]");
                node = new FilterNode(node, filter, t.Offset);
            }
            else if (t.Is("(") && t.Kind == TokenKind.Symbol)
            {
                Take();
                node = Invocation(node, t.Offset);
            }
            else return node;
        }
    }

    private Node Invocation(Node target, int offset)
    {
        if (Accept(")")) return new InvocationNode(target, [], null, offset);
        // Named arguments: "name: value"; a name may have spaces, so look for the colon after a run of name tokens.
        if (IsNamedArgumentStart())
        {
            var named = new List<KeyValuePair<string, Node>>();
            do
            {
                var name = Name();
                Expect(":");
                named.Add(new(name, Expression()));
            } while (Accept(","));
            Expect(")");
            return new InvocationNode(target, [], named, offset);
        }
        var positional = new List<Node>();
        do positional.Add(Expression()); while (Accept(","));
        Expect(")");
        return new InvocationNode(target, positional, null, offset);
    }

    private bool IsNamedArgumentStart()
    {
        var j = 0;
        while (Peek(j).Kind == TokenKind.Name) j++;
        return j > 0 && Peek(j).Is(":") && Peek(j).Kind == TokenKind.Symbol;
    }

    private Node Primary()
    {
        var t = Peek();
        switch (t.Kind)
        {
            case TokenKind.Number:
                Take();
                return new LiteralNode(ParseNumber(t), t.Offset);
            case TokenKind.String:
                Take();
                return new LiteralNode(t.Text, t.Offset);
            case TokenKind.End:
                throw Error("unexpected end of expression", t.Offset);
        }
        if (t.Kind == TokenKind.Symbol)
        {
            switch (t.Text)
            {
                case "?": Take(); return new InputValueNode(t.Offset);
                case "@":
                {
                    Take();
                    var s = Take();
                    if (s.Kind != TokenKind.String) throw Error("expected a string after @", s.Offset);
                    return new LiteralNode(new AtLiteral(s.Text), t.Offset);
                }
                case "(":
                {
                    Take();
                    var inner = Expression();
                    if (Accept("..")) return RangeRest(inner, false, t.Offset);
                    Expect(")");
                    return inner;
                }
                case "]":
                {
                    Take();
                    var start = Expression();
                    Expect("..");
                    return RangeRest(start, false, t.Offset);
                }
                case "[":
                {
                    Take();
                    var outerRange = _rangeEnd;
                    _rangeEnd = false;
                    try { return ListOrInterval(t); }
                    finally { _rangeEnd = outerRange; }
                }
                case "{": return Context();
                case "<" or "<=" or ">" or ">=" or "=" or "!=":
                    Take();
                    return new UnaryComparisonNode(t.Text, Additive(), t.Offset);
            }
            throw Error($"unexpected {t}", t.Offset);
        }
        return NamePrimary(t);
    }

    private Node ListOrInterval(Token t)
    {
                    if (Accept("]")) return new ListNode([], t.Offset);
                    var first = Expression();
                    if (Accept("..")) return RangeRest(first, true, t.Offset);
                    var items = new List<Node> { first };
                    while (Accept(",")) items.Add(Expression());
                    Expect("]");
                    return new ListNode(items, t.Offset);
    }

    private Node NamePrimary(Token t)
    {
        // A name: keywords and literals first.
        switch (t.Text)
        {
            case "true": Take(); return new LiteralNode(true, t.Offset);
            case "false": Take(); return new LiteralNode(false, t.Offset);
            case "null": Take(); return new LiteralNode(null, t.Offset);
            case "function": return Function();
            case "if" or "for" or "some" or "every": return Expression();
        }
        if (Keywords.Contains(t.Text)) throw Error($"unexpected {t}", t.Offset);
        return new NameNode(Name(), t.Offset);
    }

    private bool _rangeEnd;

    private RangeNode RangeRest(Node start, bool startIncluded, int offset)
    {
        // In "[1..10[" the last "[" closes the interval: it must not be read as a filter on 10.
        var outer = _rangeEnd;
        _rangeEnd = true;
        Node end;
        try { end = Expression(); }
        finally { _rangeEnd = outer; }
        var close = Take();
        if (close.Is("]") && close.Kind == TokenKind.Symbol) return new RangeNode(start, startIncluded, end, true, offset);
        if ((close.Is(")") || close.Is("[")) && close.Kind == TokenKind.Symbol) return new RangeNode(start, startIncluded, end, false, offset);
        throw Error($"expected ']', ')' or '[' to close the interval but found {close}", close.Offset);
    }

    private Node Context()
    {
        var start = Expect("{").Offset;
        var entries = new List<KeyValuePair<string, Node>>();
        if (Accept("}")) return new ContextNode(entries, start);
        do
        {
            var k = Peek();
            string key;
            if (k.Kind == TokenKind.String) { Take(); key = k.Text; }
            else key = RawKey();
            Expect(":");
            entries.Add(new(key, Expression()));
        } while (Accept(","));
        Expect("}");
        return new ContextNode(entries, start);
    }

    /// <summary>A context key as written up to its colon: keys may hold symbols a name may not ("foo+bar").</summary>
    private string RawKey()
    {
        var first = Peek();
        var j = 0;
        while (Peek(j).Kind != TokenKind.End && !(Peek(j).Kind == TokenKind.Symbol && Peek(j).Text is ":" or "," or "{" or "}")) j++;
        if (!Peek(j).Is(":") || j == 0) return Name(allowKeywords: true);
        var end = Peek(j).Offset;
        _i += j;
        return string.Join(' ', _text[first.Offset..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private Node Function()
    {
        var start = Take().Offset;
        Expect("(");
        var parameters = new List<Parameter>();
        if (!Peek().Is(")"))
        {
            do
            {
                var name = Name();
                TypeRef? type = null;
                if (Accept(":")) type = Type();
                parameters.Add(new Parameter(name, type));
            } while (Accept(","));
        }
        Expect(")");
        var external = Peek().Is("external") && Peek().Kind == TokenKind.Name;
        if (external) Take();
        return new FunctionNode(parameters, Expression(), external, start);
    }

    /// <summary>A name: one token, or consecutive plain words joined by single spaces ("Monthly Salary").</summary>
    private string Name(bool allowKeywords = false)
    {
        var t = Peek();
        if (t.Kind != TokenKind.Name || (!allowKeywords && Keywords.Contains(t.Text) && t.Text != "function"))
            throw Error($"expected a name but found {t}", t.Offset);
        Take();
        var name = t.Text;
        while (Peek().Kind == TokenKind.Name && (allowKeywords || !Keywords.Contains(Peek().Text)) && !(Peek().Text == "instance" && Peek(1).Is("of")))
        {
            // "instance of" ends a name; "of" alone is part of one ("day of week").
            name += " " + Take().Text;
        }
        return name;
    }

    private decimal ParseNumber(Token t)
    {
        if (decimal.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        throw Error($"number {t.Text} is out of range", t.Offset);
    }
}

/// <summary>An <c>@"…"</c> literal: a date, time, date and time or duration, resolved by the compiler.</summary>
public sealed record AtLiteral(string Text);
