import { noLiteralWebhookUrl, tokenLike } from '../../../src/lint/rules/no-literal-webhook-url.js';
import { doc, ruleTester } from '../helpers.js';

/** A runbook whose only communicate step posts with `post` (a flow map); the post is on line 13. */
const posting = (post: string, params = '') =>
  doc(`
${params}stages:
  detect: {}
  communicate:
    steps:
      - id: tell
        message:
          channel: '#ops'
          text: Investigating
          post: ${post}
  resolve: {}
`);

describe('no-literal-webhook-url', () => {
  ruleTester(noLiteralWebhookUrl, {
    valid: [
      {
        name: 'the URL from a secret parameter',
        document: posting('{ type: slack, url: "${{ params.hook }}" }', 'params:\n  hook: { env: SLACK_WEBHOOK_URL, secret: true }\n'),
      },
      { name: 'the URL from urlEnv', document: posting('{ type: slack, urlEnv: SLACK_WEBHOOK_URL }') },
      {
        name: "a known host whose secret path is a parameter's",
        document: posting('{ type: slack, url: "https://hooks.slack.com/services/${{ params.path }}" }', 'params:\n  path: { env: SLACK_PATH, secret: true }\n'),
      },
      {
        name: 'a Statuspage URL composed of ids (not secrets) with the key in a header',
        document: posting(
          '{ type: webhook, method: PATCH, url: "${{ params.api }}/v1/pages/${{ params.page }}/components/${{ params.component }}", headers: { Authorization: "OAuth ${{ params.key }}" } }',
          'params:\n  api: { default: "https://api.statuspage.io" }\n  page: { env: PAGE }\n  component: { env: COMPONENT }\n  key: { env: KEY, secret: true }\n',
        ),
      },
      { name: 'a literal Statuspage URL: 12-character ids are not tokens', document: posting('{ type: webhook, url: "https://api.statuspage.io/v1/pages/kctbh9vrtdwd/components/ftgks51sfs2d" }') },
      {
        name: 'a placeholder in the docs of a parameter is no webhook',
        document: doc(`
params:
  hook: { env: SLACK_WEBHOOK_URL, secret: true, description: "Slack incoming webhook (https://hooks.slack.com/services/...)" }
stages:
  detect: {}
  resolve: {}
`),
      },
      {
        name: 'a long id outside a message.post url (a Grafana dashboard in a check)',
        document: doc(`
stages:
  detect:
    steps:
      - id: board
        check: http
        effect: read
        with: { url: "https://grafana.example.com/api/dashboards/uid/a1b2c3d4e5f6g7h8i9j0" }
  resolve: {}
`),
      },
      {
        name: 'a path of words and a date is not a token',
        document: posting('{ type: webhook, url: "https://status.example.com/api/v2/incident-updates-2024/operational-notices" }'),
      },
    ],
    invalid: [
      {
        name: 'a Slack incoming webhook in message.post.url',
        document: posting('{ type: slack, url: "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx" }'),
        errors: [
          {
            line: 13,
            column: 38,
            messageId: 'literalWebhook',
            data: { service: 'Slack', url: 'https://hooks.slack.com/services/***' },
            message:
              'a Slack webhook URL "https://hooks.slack.com/services/***" is written in the runbook, and whoever reads it can post; take it from a secret parameter (secret: true, env: VAR, no default) or from message.post.urlEnv',
          },
        ],
      },
      {
        name: "a secret parameter's default is still written in the runbook",
        document: doc(`
params:
  hook:
    secret: true
    default: https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx
stages:
  detect: {}
  resolve: {}
`),
        errors: [{ line: 8, column: 14, messageId: 'literalWebhook', data: { service: 'Slack', url: 'https://hooks.slack.com/services/***' } }],
      },
      {
        name: 'a Discord webhook inside a curl script, in a block scalar',
        document: doc(`
stages:
  detect: {}
  communicate:
    steps:
      - id: tell
        effect: write
        shell: true
        run: >-
          curl -fsS -H 'Content-Type: application/json' -d '{"content":"down"}'
          'https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'
  resolve: {}
`),
        errors: [{ line: 14, column: 12, messageId: 'literalWebhook', data: { service: 'Discord', url: 'https://discord.com/api/webhooks/***' } }],
      },
      {
        name: 'Teams, Outlook, Power Automate and Google Chat webhooks, wherever they are written',
        document: doc(`
notes:
  - "old hook: https://contoso.webhook.office.com/webhookb2/0f8fad5b-d9cb-469f-a165-70867728950e@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/abc/def"
  - "older: https://outlook.office.com/webhook/0f8fad5b-d9cb-469f-a165-70867728950e/IncomingWebhook/abc"
  - "flow: https://prod-12.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?sig=xyz"
stages:
  detect: {}
  communicate:
    steps:
      - id: tell
        message:
          channel: Google Chat
          text: down
          post: { type: webhook, url: "https://chat.googleapis.com/v1/spaces/AAAAbbbbCCC/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=abcdef" }
  resolve: {}
`),
        errors: [
          { line: 6, column: 16, messageId: 'literalWebhook', data: { service: 'Microsoft Teams', url: 'https://contoso.webhook.office.com/webhookb2/***' } },
          { line: 7, column: 13, messageId: 'literalWebhook', data: { service: 'Outlook', url: 'https://outlook.office.com/webhook/***' } },
          { line: 8, column: 12, messageId: 'literalWebhook', data: { service: 'Power Automate', url: 'https://prod-12.westus.logic.azure.com:443/workflows/***' } },
          { line: 17, column: 40, messageId: 'literalWebhook', data: { service: 'Google Chat', url: 'https://chat.googleapis.com/v1/spaces/***' } },
        ],
      },
      {
        name: 'a Mattermost-style hook id in a message.post url',
        document: posting('{ type: webhook, url: "https://chat.example.com/hooks/xi8c7zzbqbrt7pf9ipgx7hjjfa" }'),
        errors: [
          {
            line: 13,
            column: 40,
            messageId: 'tokenInPostUrl',
            data: { url: 'https://chat.example.com/hooks/***', what: 'a token-like path segment' },
            message:
              'message.post url "https://chat.example.com/hooks/***" has a token-like path segment written in the runbook; take the URL (or that part of it) from a secret parameter (secret: true, env: VAR) or from message.post.urlEnv',
          },
        ],
      },
      {
        name: 'a token in the query and a password in the URL of a message.post',
        document: doc(`
stages:
  detect: {}
  communicate:
    steps:
      - id: tell
        message:
          channel: ops
          text: down
          post: { type: webhook, url: "https://bot:hunter22@chat.example.com/api/post?channel=ops&token=abc123" }
  resolve: {}
`),
        errors: [
          {
            line: 13,
            column: 40,
            messageId: 'tokenInPostUrl',
            data: { url: 'https://bot:***@chat.example.com/api/post?channel=ops&token=***', what: 'a password and a token-like query value (token=)' },
          },
        ],
      },
      {
        name: 'the literal part before an interpolation still counts',
        document: posting('{ type: webhook, url: "https://chat.example.com/hooks/xi8c7zzbqbrt7pf9ipgx7hjjfa?channel=${{ params.channel }}" }', 'params:\n  channel: { default: ops }\n'),
        errors: [{ line: 15, column: 40, messageId: 'tokenInPostUrl', data: { url: 'https://chat.example.com/hooks/***?channel=', what: 'a token-like path segment' } }],
      },
      {
        name: 'a message.post url that is a public parameter',
        document: posting('{ type: slack, url: "${{ params.hook }}" }', 'params:\n  hook: { env: SLACK_WEBHOOK_URL }\n'),
        errors: [
          {
            line: 15,
            column: 37,
            messageId: 'publicParam',
            data: { name: 'hook' },
            message:
              'message.post url comes from param "hook", which is not secret: a webhook URL is a credential and a public value is journaled as it is; declare "hook" with secret: true',
          },
        ],
      },
    ],
  });

  test.each([
    ['xi8c7zzbqbrt7pf9ipgx7hjjfa', true],
    ['0f8fad5b-d9cb-469f-a165-70867728950e', true],
    ['AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', true],
    ['kctbh9vrtdwd', false],
    ['operational-notices', false],
    ['incident-updates-2024', false],
    ['abcdefghijklmnopqrstuvwxyz', false],
  ])('tokenLike(%s) is %s', (segment, expected) => {
    expect(tokenLike(segment)).toBe(expected);
  });
});
