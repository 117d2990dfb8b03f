using System.Net;

namespace ConsumerApp;

/// <summary>A downstream without a network: answers the given status codes in turn, then the last one.</summary>
internal sealed class ScriptedHandler(params HttpStatusCode[] answers) : HttpMessageHandler
{
    private int _calls;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var answer = answers[Math.Min(Interlocked.Increment(ref _calls), answers.Length) - 1];
        return Task.FromResult(new HttpResponseMessage(answer) { RequestMessage = request });
    }
}
