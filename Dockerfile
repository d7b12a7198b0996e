# One image for every process of the platform; the command picks which one runs:
#   router:    npm run start:router
#   subgraph:  npm run start:subgraph -- <name>
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY schema ./schema
COPY platform ./platform
COPY subgraphs ./subgraphs
COPY router ./router
COPY scripts ./scripts
USER node
EXPOSE 4000
CMD ["npm", "run", "start:router"]
