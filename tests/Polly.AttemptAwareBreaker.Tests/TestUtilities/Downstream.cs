namespace Polly.AttemptAwareBreaker.Tests.TestUtilities;

/// <summary>
/// A fake downstream service that counts its calls and answers with whatever the test tells it to.
/// </summary>
internal sealed class Downstream
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets or sets what the next call does; by default it succeeds with 200.</summary>
    public Func<int, ValueTask<int>> Behaviour { get; set; } = _ => new(200);

    public static Downstream AlwaysFailing() => new() { Behaviour = _ => throw new InvalidOperationException("downstream down") };

    public static Downstream Answering(int status) => new() { Behaviour = _ => new(status) };

    public ValueTask<int> CallAsync()
    {
        var n = Interlocked.Increment(ref _calls);
        return Behaviour(n);
    }
}
