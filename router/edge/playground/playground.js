/* The playground's bootstrap: GraphiQL (UMD build, served by the router) against this
 * router's /graphql, subscriptions over graphql-ws on the same path. No inline script, so
 * a strict Content-Security-Policy (script-src 'self') holds. The URL keeps the editors'
 * contents (?query=&variables=&headers=&operationName=), so a link opens a ready query. */
/* global window, document, history, URLSearchParams, URL, React, ReactDOM, GraphiQL */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('playground-config').textContent);
  var httpUrl = new URL(config.endpoint, window.location.href);
  var wsUrl = new URL(config.endpoint, window.location.href);
  wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  var params = new URLSearchParams(window.location.search);
  function remember(name) {
    return function (value) {
      if (value) params.set(name, value);
      else params.delete(name);
      var search = params.toString();
      history.replaceState(null, '', window.location.pathname + (search ? '?' + search : ''));
    };
  }

  // Header values from the headers editor (an `authorization` one) also go into the
  // WebSocket's connectionParams, which is where the router reads a subscriber's token.
  var fetcher = GraphiQL.createFetcher({
    url: httpUrl.toString(),
    subscriptionUrl: wsUrl.toString(),
  });

  var props = {
    fetcher: fetcher,
    defaultQuery: config.defaultQuery,
    shouldPersistHeaders: false,
    onEditQuery: remember('query'),
    onEditVariables: remember('variables'),
    onEditHeaders: remember('headers'),
    onEditOperationName: remember('operationName'),
  };
  if (params.has('query')) props.query = params.get('query');
  if (params.has('variables')) props.variables = params.get('variables');
  if (params.has('headers')) props.headers = params.get('headers');
  if (params.has('operationName')) props.operationName = params.get('operationName');

  var root = document.getElementById('graphiql');
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
