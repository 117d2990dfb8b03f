using System.Collections.Concurrent;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Selects the pipeline of a request by its downstream authority (scheme, host and port), as <c>SelectPipelineByAuthority</c> asks.
/// </summary>
internal static class AuthorityPipelineKey
{
    public static Func<HttpRequestMessage, string> CreateSelector()
    {
        // One string per authority, so that selecting a pipeline allocates nothing once the authority has been seen.
        var keys = new ConcurrentDictionary<(string Scheme, string Host, int Port), string>();
        return request =>
        {
            if (request.RequestUri is not { IsAbsoluteUri: true } uri)
            {
                throw new InvalidOperationException(
                    "SelectPipelineByAuthority needs an absolute request URI: set the HttpClient's BaseAddress or send absolute URIs.");
            }

            return keys.GetOrAdd((uri.Scheme, uri.Host, uri.Port), static (_, uri) => uri.GetLeftPart(UriPartial.Authority), uri);
        };
    }
}
